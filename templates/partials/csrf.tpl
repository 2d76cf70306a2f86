{{%AUTOESCAPE context="HTML"}}
{{! The hidden fields of every form: the CSRF token and, on a page whose }}
{{! form declares one (lib/fields.h, fields_idempotency_key), the form's }}
{{! idempotency key. Fill: CSRF_TOKEN; show IDEMPOTENCY with }}
{{! IDEMPOTENCY_KEY. }}
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
{{#IDEMPOTENCY}}
<input type="hidden" id="idempotency_key" name="idempotency_key" value="{{IDEMPOTENCY_KEY}}">
{{/IDEMPOTENCY}}
