{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>You are now {{ROLE}} on Ticketing</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p>an administrator made your account <strong>{{ROLE}}</strong> (it was {{PREVIOUS_ROLE}}).</p>
{{#ORGANIZER}}<p>You can now create venues and events, and sell their tickets.</p>{{/ORGANIZER}}
{{#ADMIN}}<p>You can now manage every account, event and listing.</p>{{/ADMIN}}
<p><a href="{{ACCOUNT_LINK}}">Your account</a></p>
<p>If this surprises you, answer an administrator of the site.</p>
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
