"""Document formats: readers that turn files into blocks, writers that keep their structure."""
