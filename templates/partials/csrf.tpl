{{%AUTOESCAPE context="HTML"}}
{{! Hidden CSRF field for every form. Fill: CSRF_TOKEN. }}
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
