{{%AUTOESCAPE context="HTML"}}
{{! Fill: EMAIL (the address as typed, normalised), MINUTES (the life of a }}
{{! link). The same page whether or not the address has an account. }}
<h1>Check your mail</h1>
<p>If an account uses {{EMAIL}}, we have sent it a link to choose a new password. The link works once, for {{MINUTES}} minutes.</p>
<p>No mail after a few minutes? Look in your spam folder, check the address, or <a href="/auth/password/forgot">ask again</a>. A few links an hour are sent to one address; more requests are answered but send nothing.</p>
<p><a href="/auth/signin">Back to sign in</a></p>
