"""Sense: the journal stage (calendar, editor with live preview, connections)."""

from pkm.gui.sense.stage import SenseStage, create_stage

__all__ = ["SenseStage", "create_stage"]
