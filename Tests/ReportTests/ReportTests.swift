import Testing
// Tests for the Report module.
