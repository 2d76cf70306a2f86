{{%AUTOESCAPE context="HTML"}}
{{! Fill: NAME, EMAIL, ROLE, CREATED_AT (display texts); show VERIFIED or }}
{{! NOT_VERIFIED (the address); show RESEND_LIMITED with RESEND_MINUTES when }}
{{! links were asked too often; show ADMIN for an }}
{{! administrator; include FORM_ERRORS and CSRF. The password form is filled }}
{{! by fields_show (lib/fields.h) from its table: each field's REQUIRED }}
{{! section, MINLENGTH and MAXLENGTH; at most one CURRENT_PASSWORD_ERROR and }}
{{! PASSWORD_ERROR section, each with MESSAGE. }}
<h1>Your account</h1>
<dl class="details">
<dt>Name</dt>
<dd>{{NAME}}</dd>
<dt>Email</dt>
<dd>{{EMAIL}} {{#VERIFIED}}<span class="badge">verified</span>{{/VERIFIED}}{{#NOT_VERIFIED}}<span class="badge">not verified</span>{{/NOT_VERIFIED}}</dd>
<dt>Role</dt>
<dd>{{ROLE}}</dd>
<dt>Member since</dt>
<dd>{{CREATED_AT}}</dd>
</dl>
{{#NOT_VERIFIED}}
<h2>Verify your address</h2>
<p>Your email address is not verified yet. You can browse and buy tickets, but you need a verified address to sell them. Open the link we mailed you, or ask for a new one.</p>
{{/NOT_VERIFIED}}
{{#RESEND_LIMITED}}
<div class="alert" role="alert">
<p>A link was sent a moment ago, or too many today. You can ask for a new one in {{RESEND_MINUTES}} minutes.</p>
</div>
{{/RESEND_LIMITED}}
{{#NOT_VERIFIED}}
<form class="form" method="post" action="/auth/account/verify">
{{>CSRF}}
<div class="actions">
<button type="submit">Send the link again</button>
</div>
</form>
{{/NOT_VERIFIED}}
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
