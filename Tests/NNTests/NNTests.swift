import Testing
// Tests for the NN module.
