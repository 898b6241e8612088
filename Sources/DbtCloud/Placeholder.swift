enum DbtCloudPlaceholder {}
