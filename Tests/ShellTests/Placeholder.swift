import Testing

@Test func placeholderShellTests() {}
