import Testing
// Tests for the Astro module.
