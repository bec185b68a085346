"""The freshness engine: which stored documents a renewal or visit service may reuse, and why not."""

from pipeline.freshness.engine import FreshnessDecision, UnknownService, decide
from pipeline.freshness.rules import SERVICES, Rules, RulesError, load_rules

__all__ = ["SERVICES", "FreshnessDecision", "Rules", "RulesError", "UnknownService", "decide", "load_rules"]
