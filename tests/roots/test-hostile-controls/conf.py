# index.rst holds invisible control characters (BEL, NUL, ESC, DEL, C1 and others)
# in titles, options and text: see tests/test_output_safety.py
project = "Control characters"
extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = []
sm_today = "2026-11-24"
latex_elements = {"papersize": "a4paper"}
