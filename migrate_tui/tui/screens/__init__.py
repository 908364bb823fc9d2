"""Modal screens over the app: the export dialog, the help and the item form."""
