"""VOT toolkit integration: a TraX server around any tracker (:mod:`.trax_server`, run by
``pytracking/run_vot.py``) and local toolkit workspaces with their ``trackers.ini`` (:mod:`.workspace`)."""
