"""Importers of CMS files: the PPRRVU relative value file (rvu), the telehealth list (cms_list)."""
