extensions = ["sphinxcontrib_sociallpolicy"]
sm_base = "../base"
sm_guidance = []
sm_today = "2026-11-24"
