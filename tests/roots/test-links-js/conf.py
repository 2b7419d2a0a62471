extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = []
sm_today = "2026-11-24"
latex_elements = {"papersize": "a4paper"}
