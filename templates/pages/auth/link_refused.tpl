{{%AUTOESCAPE context="HTML"}}
{{! Show RESET (a password reset link) or VERIFY (an address verification }}
{{! link). One page for every refused link: unknown, used, replaced by a }}
{{! newer one or expired; it never says which, nor whether an account exists. }}
<h1>This link cannot be used</h1>
<p>This link has been used or has expired.</p>
{{#RESET}}
<p>Ask for a new one: <a href="/auth/password/forgot">Forgot your password?</a></p>
{{/RESET}}
{{#VERIFY}}
<p>Ask for a new one from <a href="/auth/account">your account page</a> (sign in first). A newer link replaces the older ones.</p>
{{/VERIFY}}
