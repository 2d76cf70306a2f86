{{%AUTOESCAPE context="HTML"}}
{{! Fill with fields_show (lib/fields.h) from the forgot form's table: the }}
{{! kept value EMAIL; EMAIL_REQUIRED and EMAIL_MAXLENGTH; at most one }}
{{! EMAIL_ERROR section with MESSAGE. Include FORM_ERRORS and CSRF. }}
<h1>Forgot your password?</h1>
<p>Enter the address you signed up with. If it belongs to an account, we mail it a link to choose a new password.</p>
{{>FORM_ERRORS}}
<form class="form" method="post" action="/auth/password/forgot">
{{>CSRF}}
<div class="field{{#EMAIL_ERROR}} field-invalid{{/EMAIL_ERROR}}">
<label for="email">Email</label>
{{#EMAIL_ERROR}}
<p class="field-error" id="email-error">{{MESSAGE}}</p>
{{/EMAIL_ERROR}}
<input type="email" id="email" name="email" value="{{EMAIL}}" autocomplete="email"{{#EMAIL_REQUIRED}} required{{/EMAIL_REQUIRED}} maxlength="{{EMAIL_MAXLENGTH}}"{{#EMAIL_ERROR}} aria-invalid="true" aria-describedby="email-error"{{/EMAIL_ERROR}}>
</div>
<div class="actions">
<button type="submit">Send the link</button>
</div>
</form>
<p><a href="/auth/signin">Back to sign in</a></p>
