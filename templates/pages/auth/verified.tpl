{{%AUTOESCAPE context="HTML"}}
{{! No fill: fixed text. }}
<h1>Address verified</h1>
<p>Thank you: your email address is verified. You can now sell tickets.</p>
<p><a href="/auth/account">Your account</a></p>
