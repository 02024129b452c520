package id.berkas.app.logic

import id.berkas.core.CapturePage

/** A point in pixels of the upright photo. */
data class Corner(val x: Float, val y: Float)

/**
 * The four corners of a photographed page the ASN drags into place before saving: top-left,
 * top-right, bottom-right, bottom-left, in pixels of the upright photo (core's crop, which
 * straightens the page from them). Starts from the corners the camera found, or the whole
 * photo; a move that would leave the photo or fold the page over itself is not taken.
 */
class PageCrop(val width: Int, val height: Int, found: List<Corner>? = null) {
    var corners: List<Corner> = found?.takeIf { it.size == 4 && convex(it) && it.all(::inside) } ?: whole()
        private set

    private fun whole() = listOf(
        Corner(0f, 0f), Corner(width.toFloat(), 0f), Corner(width.toFloat(), height.toFloat()), Corner(0f, height.toFloat()),
    )

    private fun inside(c: Corner) = c.x in 0f..width.toFloat() && c.y in 0f..height.toFloat()

    /** Moves corner [index] (0 top-left ... 3 bottom-left) to ([x], [y]), clamped to the photo;
     *  false, and nothing moved, when the page would fold over itself. */
    fun move(index: Int, x: Float, y: Float): Boolean {
        require(index in 0..3) { "a page has four corners, 0 to 3" }
        val to = Corner(x.coerceIn(0f, width.toFloat()), y.coerceIn(0f, height.toFloat()))
        val next = corners.toMutableList().also { it[index] = to }
        if (!convex(next)) return false
        corners = next
        return true
    }

    fun reset() {
        corners = whole()
    }

    /** The page for core: the photo's bytes and, unless it is the whole photo, the 8 numbers. */
    fun page(bytes: ByteArray): CapturePage =
        CapturePage(bytes, if (corners == whole()) null else corners.flatMap { listOf(it.x, it.y) })

    private companion object {
        /** Clockwise and convex, with some area: the cross products of consecutive edges all
         *  have the same sign (y grows downwards on a photo). */
        fun convex(c: List<Corner>): Boolean {
            var sign = 0
            for (i in 0 until 4) {
                val a = c[i]
                val b = c[(i + 1) % 4]
                val d = c[(i + 2) % 4]
                val cross = (b.x - a.x) * (d.y - b.y) - (b.y - a.y) * (d.x - b.x)
                if (cross == 0f) return false
                val s = if (cross > 0) 1 else -1
                if (sign == 0) sign = s else if (s != sign) return false
            }
            return sign > 0
        }
    }
}
