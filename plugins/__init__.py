"""The plugin contract (pluggy hookspecs) and manager; presets are found through entry points."""
