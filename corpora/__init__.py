"""Reading and writing corpora: streaming readers, atomic writers, the quarantine of bad records."""
