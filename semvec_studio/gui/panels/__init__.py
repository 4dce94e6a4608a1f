"""The main window's panels: one module each (model, texts, controls, views, Map, Train, export)."""
