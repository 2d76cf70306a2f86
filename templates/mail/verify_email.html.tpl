{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Confirm your email address</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p>please confirm that this is your email address:</p>
<p><a href="{{LINK}}" style="display: inline-block; padding: 0.5em 1em; background: #1a5fb4; color: #ffffff; text-decoration: none; border-radius: 4px;">Confirm my address</a></p>
<p>Or copy this link into your browser:<br><a href="{{LINK}}">{{LINK}}</a></p>
<p>The link works once, until {{EXPIRES_AT}}. Until you confirm, you can browse and buy tickets, but not sell them.</p>
<p>If you did not sign up for Ticketing, ignore this mail: nothing happens without the link.</p>
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
