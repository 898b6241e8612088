import Testing

@Test func placeholderLineEditorTests() {}
