import Testing
// Tests for the Dataset module.
