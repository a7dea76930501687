"""Pure text work: normalisation, segmentation, language ID and artifact rules. No Prefect, no I/O."""
