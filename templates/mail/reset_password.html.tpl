{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Reset your password</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p>someone, hopefully you, asked to reset the password of your Ticketing account. To choose a new password:</p>
<p><a href="{{LINK}}" style="display: inline-block; padding: 0.5em 1em; background: #1a5fb4; color: #ffffff; text-decoration: none; border-radius: 4px;">Choose a new password</a></p>
<p>Or copy this link into your browser:<br><a href="{{LINK}}">{{LINK}}</a></p>
<p>The link works once, until {{EXPIRES_AT}}. Setting a new password signs your account out everywhere.</p>
<p>If you did not ask for this, ignore this mail: your password stays as it is.</p>
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
