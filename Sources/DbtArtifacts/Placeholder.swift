enum DbtArtifactsPlaceholder {}
