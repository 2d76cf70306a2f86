{{%AUTOESCAPE context="HTML"}}
{{! Fill with fields_show (lib/fields.h) from the sign-in form's table: the }}
{{! kept value EMAIL; each field's REQUIRED section and MAXLENGTH; at most }}
{{! one EMAIL_ERROR and PASSWORD_ERROR section, each with MESSAGE. Include }}
{{! FORM_ERRORS and CSRF; show SIGNIN_ERROR with MESSAGE for the one generic }}
{{! failure; show NEXT_FIELD with NEXT to return there after signing in. }}
<h1>Sign in</h1>
{{>FORM_ERRORS}}
{{#SIGNIN_ERROR}}
<div class="alert" role="alert">
<p>{{MESSAGE}}</p>
</div>
{{/SIGNIN_ERROR}}
<form class="form" method="post" action="/auth/signin">
{{>CSRF}}
{{#NEXT_FIELD}}
<input type="hidden" name="next" value="{{NEXT}}">
{{/NEXT_FIELD}}
<div class="field{{#EMAIL_ERROR}} field-invalid{{/EMAIL_ERROR}}">
<label for="email">Email</label>
{{#EMAIL_ERROR}}
<p class="field-error" id="email-error">{{MESSAGE}}</p>
{{/EMAIL_ERROR}}
<input type="email" id="email" name="email" value="{{EMAIL}}" autocomplete="username"{{#EMAIL_REQUIRED}} required{{/EMAIL_REQUIRED}} maxlength="{{EMAIL_MAXLENGTH}}"{{#EMAIL_ERROR}} aria-invalid="true" aria-describedby="email-error"{{/EMAIL_ERROR}}>
</div>
<div class="field{{#PASSWORD_ERROR}} field-invalid{{/PASSWORD_ERROR}}">
<label for="password">Password</label>
{{#PASSWORD_ERROR}}
<p class="field-error" id="password-error">{{MESSAGE}}</p>
{{/PASSWORD_ERROR}}
<input type="password" id="password" name="password" autocomplete="current-password"{{#PASSWORD_REQUIRED}} required{{/PASSWORD_REQUIRED}} maxlength="{{PASSWORD_MAXLENGTH}}"{{#PASSWORD_ERROR}} aria-invalid="true" aria-describedby="password-error"{{/PASSWORD_ERROR}}>
</div>
<div class="actions">
<button type="submit">Sign in</button>
</div>
</form>
<p><a href="/auth/password/forgot">Forgot your password?</a></p>
<p>No account yet? <a href="/auth/signup">Sign up</a></p>
