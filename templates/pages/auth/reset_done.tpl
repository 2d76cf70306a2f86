{{%AUTOESCAPE context="HTML"}}
{{! No fill: fixed text. }}
<h1>Password changed</h1>
<p>Your new password is set and your account is signed out everywhere. Sign in with the new password.</p>
<p><a href="/auth/signin">Sign in</a></p>
