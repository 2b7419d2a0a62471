extensions = ["sphinxcontrib_sociallpolicy"]
sm_base = "../base"
sm_guidance = []
sm_today = "2026-11-24"
needs_build_json = True
