import Testing

@Test func placeholderDbtArtifactsTests() {}
