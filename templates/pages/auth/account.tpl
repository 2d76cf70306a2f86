{{%AUTOESCAPE context="HTML"}}
{{! Fill: NAME, EMAIL, ROLE, CREATED_AT (display texts); show ADMIN for an }}
{{! administrator; include FORM_ERRORS and CSRF. The password form is filled }}
{{! by fields_show (lib/fields.h) from its table: each field's REQUIRED }}
{{! section, MINLENGTH and MAXLENGTH; at most one CURRENT_PASSWORD_ERROR and }}
{{! PASSWORD_ERROR section, each with MESSAGE. }}
<h1>Your account</h1>
<dl class="details">
<dt>Name</dt>
<dd>{{NAME}}</dd>
<dt>Email</dt>
<dd>{{EMAIL}}</dd>
<dt>Role</dt>
<dd>{{ROLE}}</dd>
<dt>Member since</dt>
<dd>{{CREATED_AT}}</dd>
</dl>
{{#ADMIN}}
<h2>Administration</h2>
<p><a href="/auth/admin/users">Members and roles</a>: grant or revoke the organizer role.</p>
{{/ADMIN}}
<h2>Change password</h2>
<p>Changing your password signs you out on all your other devices.</p>
{{>FORM_ERRORS}}
<form class="form" method="post" action="/auth/account/password">
{{>CSRF}}
<div class="field{{#CURRENT_PASSWORD_ERROR}} field-invalid{{/CURRENT_PASSWORD_ERROR}}">
<label for="current_password">Current password</label>
{{#CURRENT_PASSWORD_ERROR}}
<p class="field-error" id="current_password-error">{{MESSAGE}}</p>
{{/CURRENT_PASSWORD_ERROR}}
<input type="password" id="current_password" name="current_password" autocomplete="current-password"{{#CURRENT_PASSWORD_REQUIRED}} required{{/CURRENT_PASSWORD_REQUIRED}} maxlength="{{CURRENT_PASSWORD_MAXLENGTH}}"{{#CURRENT_PASSWORD_ERROR}} aria-invalid="true" aria-describedby="current_password-error"{{/CURRENT_PASSWORD_ERROR}}>
</div>
<div class="field{{#PASSWORD_ERROR}} field-invalid{{/PASSWORD_ERROR}}">
<label for="password">New password</label>
<p class="hint" id="password-hint">{{PASSWORD_MINLENGTH}} to {{PASSWORD_MAXLENGTH}} characters</p>
{{#PASSWORD_ERROR}}
<p class="field-error" id="password-error">{{MESSAGE}}</p>
{{/PASSWORD_ERROR}}
<input type="password" id="password" name="password" autocomplete="new-password"{{#PASSWORD_REQUIRED}} required{{/PASSWORD_REQUIRED}} minlength="{{PASSWORD_MINLENGTH}}" maxlength="{{PASSWORD_MAXLENGTH}}" aria-describedby="password-hint{{#PASSWORD_ERROR}} password-error{{/PASSWORD_ERROR}}"{{#PASSWORD_ERROR}} aria-invalid="true"{{/PASSWORD_ERROR}}>
</div>
<div class="actions">
<button type="submit">Change password</button>
</div>
</form>
