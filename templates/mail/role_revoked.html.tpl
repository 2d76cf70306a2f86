{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Your Ticketing account is now {{ROLE}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p>an administrator changed your account from {{PREVIOUS_ROLE}} to <strong>{{ROLE}}</strong>. What you could do as {{PREVIOUS_ROLE}} is no longer open to you; your tickets and orders stay as they are.</p>
<p><a href="{{ACCOUNT_LINK}}">Your account</a></p>
<p>If this surprises you, answer an administrator of the site.</p>
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
