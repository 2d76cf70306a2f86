{{%AUTOESCAPE context="HTML"}}
{{! Fill with fields_show (lib/fields.h) from the sign-up form's table: the }}
{{! kept values NAME, EMAIL; each field's REQUIRED section, MINLENGTH and }}
{{! MAXLENGTH; at most one NAME_ERROR, EMAIL_ERROR, PASSWORD_ERROR section, }}
{{! each with MESSAGE. Include FORM_ERRORS and CSRF. }}
<h1>Create your account</h1>
{{>FORM_ERRORS}}
<form class="form" method="post" action="/auth/signup">
{{>CSRF}}
<div class="field{{#NAME_ERROR}} field-invalid{{/NAME_ERROR}}">
<label for="name">Name</label>
{{#NAME_ERROR}}
<p class="field-error" id="name-error">{{MESSAGE}}</p>
{{/NAME_ERROR}}
<input type="text" id="name" name="name" value="{{NAME}}" autocomplete="name"{{#NAME_REQUIRED}} required{{/NAME_REQUIRED}} maxlength="{{NAME_MAXLENGTH}}"{{#NAME_ERROR}} aria-invalid="true" aria-describedby="name-error"{{/NAME_ERROR}}>
</div>
<div class="field{{#EMAIL_ERROR}} field-invalid{{/EMAIL_ERROR}}">
<label for="email">Email</label>
{{#EMAIL_ERROR}}
<p class="field-error" id="email-error">{{MESSAGE}}</p>
{{/EMAIL_ERROR}}
<input type="email" id="email" name="email" value="{{EMAIL}}" autocomplete="email"{{#EMAIL_REQUIRED}} required{{/EMAIL_REQUIRED}} maxlength="{{EMAIL_MAXLENGTH}}"{{#EMAIL_ERROR}} aria-invalid="true" aria-describedby="email-error"{{/EMAIL_ERROR}}>
</div>
<div class="field{{#PASSWORD_ERROR}} field-invalid{{/PASSWORD_ERROR}}">
<label for="password">Password</label>
<p class="hint" id="password-hint">{{PASSWORD_MINLENGTH}} to {{PASSWORD_MAXLENGTH}} characters</p>
{{#PASSWORD_ERROR}}
<p class="field-error" id="password-error">{{MESSAGE}}</p>
{{/PASSWORD_ERROR}}
<input type="password" id="password" name="password" autocomplete="new-password"{{#PASSWORD_REQUIRED}} required{{/PASSWORD_REQUIRED}} minlength="{{PASSWORD_MINLENGTH}}" maxlength="{{PASSWORD_MAXLENGTH}}" aria-describedby="password-hint{{#PASSWORD_ERROR}} password-error{{/PASSWORD_ERROR}}"{{#PASSWORD_ERROR}} aria-invalid="true"{{/PASSWORD_ERROR}}>
</div>
<div class="actions">
<button type="submit">Create account</button>
</div>
</form>
<p>Already have an account? <a href="/auth/signin">Sign in</a></p>
