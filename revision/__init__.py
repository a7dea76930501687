"""Revision by a person: review findings, apply decisions, remember them as rules, learn rules from post-edits."""
