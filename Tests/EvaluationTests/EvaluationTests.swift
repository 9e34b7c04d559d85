import Testing
// Tests for the Evaluation module.
