{{%AUTOESCAPE context="HTML"}}
{{! Fill: NAME, EMAIL (kept values); include FORM_ERRORS and CSRF; add at most }}
{{! one NAME_ERROR, EMAIL_ERROR, PASSWORD_ERROR section, each with MESSAGE. }}
<h1>Create your account</h1>
{{>FORM_ERRORS}}
<form class="form" method="post" action="/auth/signup">
{{>CSRF}}
<div class="field{{#NAME_ERROR}} field-invalid{{/NAME_ERROR}}">
<label for="name">Name</label>
{{#NAME_ERROR}}
<p class="field-error" id="name-error">{{MESSAGE}}</p>
{{/NAME_ERROR}}
<input type="text" id="name" name="name" value="{{NAME}}" autocomplete="name" required maxlength="100"{{#NAME_ERROR}} aria-invalid="true" aria-describedby="name-error"{{/NAME_ERROR}}>
</div>
<div class="field{{#EMAIL_ERROR}} field-invalid{{/EMAIL_ERROR}}">
<label for="email">Email</label>
{{#EMAIL_ERROR}}
<p class="field-error" id="email-error">{{MESSAGE}}</p>
{{/EMAIL_ERROR}}
<input type="email" id="email" name="email" value="{{EMAIL}}" autocomplete="email" required{{#EMAIL_ERROR}} aria-invalid="true" aria-describedby="email-error"{{/EMAIL_ERROR}}>
</div>
<div class="field{{#PASSWORD_ERROR}} field-invalid{{/PASSWORD_ERROR}}">
<label for="password">Password</label>
<p class="hint" id="password-hint">12 to 128 characters</p>
{{#PASSWORD_ERROR}}
<p class="field-error" id="password-error">{{MESSAGE}}</p>
{{/PASSWORD_ERROR}}
<input type="password" id="password" name="password" autocomplete="new-password" required minlength="12" maxlength="128" aria-describedby="password-hint{{#PASSWORD_ERROR}} password-error{{/PASSWORD_ERROR}}"{{#PASSWORD_ERROR}} aria-invalid="true"{{/PASSWORD_ERROR}}>
</div>
<div class="actions">
<button type="submit">Create account</button>
</div>
</form>
<p>Already have an account? <a href="/auth/signin">Sign in</a></p>
