{{%AUTOESCAPE context="HTML"}}
{{! Fill: TOKEN (the link's token, carried in a hidden field so it leaves }}
{{! the address bar); with fields_show from the reset form's table: each }}
{{! field's REQUIRED section, MINLENGTH and MAXLENGTH; at most one }}
{{! PASSWORD_ERROR and PASSWORD_CONFIRM_ERROR section, each with MESSAGE. }}
{{! Include FORM_ERRORS and CSRF. }}
<h1>Choose a new password</h1>
<p>Setting a new password signs your account out on every device.</p>
{{>FORM_ERRORS}}
<form class="form" method="post" action="/auth/password/reset">
{{>CSRF}}
<input type="hidden" name="token" value="{{TOKEN}}">
<div class="field{{#PASSWORD_ERROR}} field-invalid{{/PASSWORD_ERROR}}">
<label for="password">New password</label>
<p class="hint" id="password-hint">{{PASSWORD_MINLENGTH}} to {{PASSWORD_MAXLENGTH}} characters</p>
{{#PASSWORD_ERROR}}
<p class="field-error" id="password-error">{{MESSAGE}}</p>
{{/PASSWORD_ERROR}}
<input type="password" id="password" name="password" autocomplete="new-password"{{#PASSWORD_REQUIRED}} required{{/PASSWORD_REQUIRED}} minlength="{{PASSWORD_MINLENGTH}}" maxlength="{{PASSWORD_MAXLENGTH}}" aria-describedby="password-hint{{#PASSWORD_ERROR}} password-error{{/PASSWORD_ERROR}}"{{#PASSWORD_ERROR}} aria-invalid="true"{{/PASSWORD_ERROR}}>
</div>
<div class="field{{#PASSWORD_CONFIRM_ERROR}} field-invalid{{/PASSWORD_CONFIRM_ERROR}}">
<label for="password_confirm">New password again</label>
{{#PASSWORD_CONFIRM_ERROR}}
<p class="field-error" id="password_confirm-error">{{MESSAGE}}</p>
{{/PASSWORD_CONFIRM_ERROR}}
<input type="password" id="password_confirm" name="password_confirm" autocomplete="new-password"{{#PASSWORD_CONFIRM_REQUIRED}} required{{/PASSWORD_CONFIRM_REQUIRED}} maxlength="{{PASSWORD_CONFIRM_MAXLENGTH}}"{{#PASSWORD_CONFIRM_ERROR}} aria-invalid="true" aria-describedby="password_confirm-error"{{/PASSWORD_CONFIRM_ERROR}}>
</div>
<div class="actions">
<button type="submit">Set the new password</button>
</div>
</form>
