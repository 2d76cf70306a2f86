{{%AUTOESCAPE context="HTML"}}
{{! No fill: fixed text. A member without a verified address asked to list tickets. }}
<h1>Verify your address first</h1>
<p>To sell tickets you need a verified email address: open the link we mailed you when you signed up.</p>
<p>No mail, or the link expired? Ask for a new one on <a href="/auth/account">your account page</a>. A verification made a moment ago can take a few seconds to reach this page.</p>
