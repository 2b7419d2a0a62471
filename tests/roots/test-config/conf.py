extensions = ["sphinxcontrib_sociallpolicy"]

sm_guidance = "kent-2010"
sm_disable = ["mod-premoderation"]
sm_platforms = [1]
sm_country = "UK"
sm_today = "24/11/2026"
sm_fail_on = "critical"
sm_reports = "yes"
