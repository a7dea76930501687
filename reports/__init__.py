"""Reports: the HTML page a person reads, the Markdown summary, and the run history for trends."""
