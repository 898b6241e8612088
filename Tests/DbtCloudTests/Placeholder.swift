import Testing

@Test func placeholderDbtCloudTests() {}
