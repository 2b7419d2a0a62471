# The real-policy trial's shape: a school's published policy with one X account run
# by one person, and empty placeholder controls added to silence the findings. It
# must not pass: placeholders count for nothing.
extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = ["kent-2010", "uk-online-safety"]
sm_today = "2026-11-24"
