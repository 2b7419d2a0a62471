extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = ["kent-2010", "uk-online-safety"]
sm_today = "2026-12-10"
