# A new school's project as the README starts it: the minimal conf.py (the default
# theme at its default width), ordinary long rule and item IDs, a couple of tools and
# the four tables. The browser tests build it in each common theme; they set sm_today.
extensions = ["sphinxcontrib_sociallpolicy"]
sm_guidance = ["kent-2010", "uk-online-safety"]
