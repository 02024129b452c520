package id.berkas.app.ui

import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.Matrix
import android.media.ExifInterface
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.Image
import androidx.compose.foundation.gestures.detectDragGestures
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.layout.ContentScale
import id.berkas.app.logic.PageCrop

/**
 * The photo with the page's four corners to drag into place (core straightens the page from
 * them). The photo is shown scaled down; the corners are kept in its pixels by [PageCrop],
 * which refuses a move that would fold the page.
 */
@Composable
fun CropEditor(bytes: ByteArray, crop: PageCrop, onChanged: () -> Unit) {
    val preview = remember(bytes) { uprightPreview(bytes) } ?: return
    var version by remember { mutableIntStateOf(0) }
    var dragging by remember { mutableStateOf(-1) }
    Box(Modifier.fillMaxWidth().aspectRatio(crop.width.toFloat() / crop.height)) {
        Image(preview.asImageBitmap(), contentDescription = null, contentScale = ContentScale.FillBounds, modifier = Modifier.fillMaxSize())
        Canvas(
            Modifier.fillMaxSize().pointerInput(crop) {
                detectDragGestures(
                    onDragStart = { at ->
                        val sx = size.width / crop.width.toFloat()
                        dragging = crop.corners.indices.minByOrNull { i ->
                            val c = crop.corners[i]
                            (Offset(c.x * sx, c.y * sx) - at).getDistance()
                        } ?: -1
                    },
                    onDragEnd = { dragging = -1 },
                    onDrag = { change, _ ->
                        val sx = size.width / crop.width.toFloat()
                        if (dragging >= 0 && crop.move(dragging, change.position.x / sx, change.position.y / sx)) {
                            version++
                            onChanged()
                        }
                    },
                )
            },
        ) {
            version.let { }
            val sx = size.width / crop.width.toFloat()
            val points = crop.corners.map { Offset(it.x * sx, it.y * sx) }
            val outline = Path().apply {
                moveTo(points[0].x, points[0].y)
                points.drop(1).forEach { lineTo(it.x, it.y) }
                close()
            }
            drawPath(outline, Color(0xFF1565C0), style = Stroke(width = 4f))
            points.forEach { drawCircle(Color(0xFF1565C0), radius = 22f, center = it) }
        }
    }
}

/** Degrees the camera asked the photo to be turned by (EXIF), so that corners are upright. */
private fun rotation(bytes: ByteArray): Int = try {
    when (ExifInterface(bytes.inputStream()).getAttributeInt(ExifInterface.TAG_ORIENTATION, ExifInterface.ORIENTATION_NORMAL)) {
        ExifInterface.ORIENTATION_ROTATE_90 -> 90
        ExifInterface.ORIENTATION_ROTATE_180 -> 180
        ExifInterface.ORIENTATION_ROTATE_270 -> 270
        else -> 0
    }
} catch (e: java.io.IOException) {
    0
}

/** The upright photo's size in pixels (what core's crop counts in); null for a non-image. */
fun uprightSize(bytes: ByteArray): Pair<Int, Int>? {
    val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
    BitmapFactory.decodeByteArray(bytes, 0, bytes.size, bounds)
    if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
    return if (rotation(bytes) % 180 == 90) bounds.outHeight to bounds.outWidth else bounds.outWidth to bounds.outHeight
}

/** A small upright copy of the photo to drag the corners on. */
private fun uprightPreview(bytes: ByteArray): Bitmap? {
    val small = BitmapFactory.decodeByteArray(bytes, 0, bytes.size, BitmapFactory.Options().apply { inSampleSize = 4 }) ?: return null
    val turn = rotation(bytes)
    if (turn == 0) return small
    return Bitmap.createBitmap(small, 0, 0, small.width, small.height, Matrix().apply { postRotate(turn.toFloat()) }, true)
}
