import Testing
// Tests for the Imaging module.
