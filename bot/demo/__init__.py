"""`training-day demo`: a scripted class against the stand-in, printed as each person sees it."""
