package io.converged.gluster.csi.runtime;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.converged.gluster.csi.v1.CsiProto;
import java.util.List;
import java.util.Map;

/**
 * Renders CSI messages for logs with every field the specification marks {@code csi_secret}
 * replaced by a placeholder, at any depth.
 */
public final class SecretRedactor {
    static final String PLACEHOLDER = "***stripped***";

    private SecretRedactor() {
    }

    /** A one-line text form of the message, secrets removed. */
    public static String render(Message message) {
        return TextFormat.printer().emittingSingleLine(true).printToString(redact(message));
    }

    /** A copy of the message with every secret field's values replaced. */
    public static Message redact(Message message) {
        Message.Builder builder = message.toBuilder();
        for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
            FieldDescriptor field = entry.getKey();
            if (isSecret(field)) {
                builder.clearField(field);
                if (field.isMapField()) {
                    Message.Builder placeholder = builder.newBuilderForField(field);
                    FieldDescriptor key = field.getMessageType().findFieldByName("key");
                    FieldDescriptor value = field.getMessageType().findFieldByName("value");
                    placeholder.setField(key, PLACEHOLDER);
                    if (value.getJavaType() == FieldDescriptor.JavaType.STRING) {
                        placeholder.setField(value, PLACEHOLDER);
                    }
                    builder.addRepeatedField(field, placeholder.build());
                } else if (field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()) {
                    builder.setField(field, PLACEHOLDER);
                }
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
                if (field.isRepeated()) {
                    builder.clearField(field);
                    for (Object item : (List<?>) entry.getValue()) {
                        builder.addRepeatedField(field, redact((Message) item));
                    }
                } else {
                    builder.setField(field, redact((Message) entry.getValue()));
                }
            }
        }
        return builder.build();
    }

    static boolean isSecret(FieldDescriptor field) {
        return field.getOptions().getExtension(CsiProto.csiSecret);
    }
}
