"""Workspaces: the user's document, one SQLite file (``NAME.semvec``) with a data folder beside it.

The file holds the rows, labels, edit log, selections and settings; the folder
(``NAME.semvec-data/``) holds derived data, disposable.

Modules, bottom to top: ``errors``, ``lock``, ``blocks`` (how rows are packed), ``schema`` (tables,
versions, migrations, checking a file without touching it), ``records`` (Source, Row), ``edits``
(the undo log) and ``labelling`` (the label edits), ``row_reader`` (rows read in blocks) and
``row_labels`` (labels of rows, counts), ``store`` (the
:class:`~semvec_studio.core.workspace.store.Workspace`), ``readers`` and ``importing`` (files in),
``search`` (words, patterns), ``views`` (filtered, sorted pages for a table), ``exporting``,
``datadir`` (the data folder), ``derived`` (cached sentence vectors) and ``meaning`` (search by meaning).
"""
