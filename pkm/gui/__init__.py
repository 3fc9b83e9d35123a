"""The desktop window: thin widgets over the core (see DESIGN.md).

Start with :func:`pkm.gui.app.run`. The window is made of *stages* (Seek,
Sense, Share; see :mod:`pkm.gui.stage`), every core call goes through
:mod:`pkm.gui.operations`, and :mod:`pkm.gui.tasks` says which thread runs it.
"""
