"""Fidelity suite: the simulator must accept and refuse what the real Claude API does.

Every probe encodes a rule from API_RULES.md (docs, SDK types, or real error bodies quoted in
public issues), never the simulator's current behaviour.
"""
